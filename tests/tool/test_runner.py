"""The runner and verify, end to end on a toy project (each run is a pytest subprocess)."""

from tf_katas.manifest import load_manifest
from tf_katas.runner import ERROR, FAILING, PASSING, TODO, Outcome, kata_status, run_katas
from tf_katas.verify import verify


def outcome(result, not_implemented=False):
    return Outcome("t::x", result, not_implemented=not_implemented)


def test_kata_status_rules():
    assert kata_status([outcome("passed"), outcome("skipped")]) == PASSING
    assert kata_status([outcome("failed", True), outcome("failed", True)]) == TODO
    assert kata_status([outcome("passed"), outcome("failed", True)]) == FAILING
    assert kata_status([outcome("failed", True), outcome("failed")]) == FAILING
    assert kata_status([outcome("error"), outcome("error")]) == ERROR
    assert kata_status([]) == ERROR


def test_solutions_pass_stubs_are_todo_and_a_broken_module_is_an_error(toy_project):
    katas = load_manifest(toy_project)
    (toy_project / "broken").mkdir()
    (toy_project / "broken" / "toy.py").write_text("def double(:\n")
    (toy_project / "half").mkdir()
    (toy_project / "half" / "toy.py").write_text(
        "def double(x):\n    return 2 * x\n\n\ndef halve(x):\n    raise NotImplementedError\n"
    )
    statuses = {
        impl: run_katas(toy_project, toy_project / impl, katas, workers=0)["toy"]
        for impl in ("solutions", "katas", "broken", "half")
    }
    assert statuses["solutions"].status == PASSING and statuses["solutions"].passed == 2
    assert statuses["katas"].status == TODO
    assert statuses["broken"].status == ERROR
    assert "could not be imported" in statuses["broken"].tests[0].message
    assert statuses["half"].status == FAILING and statuses["half"].passed == 1


def test_verify_holds_on_a_sound_project_and_names_each_breach(toy_project):
    katas = load_manifest(toy_project)
    checks, breaches = verify(toy_project, katas, workers=0, progress=lambda _: None)
    # passes, stub failures, two grades; the catalogue, its 5 mistakes, 2 tests x 2 trivial
    assert (checks, breaches) == (2 + 2 + 2 + 1 + 5 + 4, [])

    tests = toy_project / "tests" / "test_toy.py"
    tests.write_text(tests.read_text() + "\n\ndef test_nothing(kata):\n    assert True\n")
    stub = toy_project / "katas" / "toy.py"
    stub.write_text(stub.read_text().replace("Return 2 * x.", "Return x + x."))
    _, breaches = verify(toy_project, katas, workers=0, progress=lambda _: None)
    assert any("test_nothing: passes on the untouched stub" in b for b in breaches)
    assert any("katas/toy.py is not the stub generated" in b and "double" in b for b in breaches)


def test_kata_list_knows_what_a_refresh_will_cost_before_starting(toy_project):
    from tf_katas.runner import STARTUP_SECONDS, refresh_estimate, results_for

    katas, impl = load_manifest(toy_project), toy_project / "solutions"
    stale, seconds = refresh_estimate(toy_project, impl, katas)
    assert [k.name for k in stale] == ["toy"] and seconds >= STARTUP_SECONDS
    results_for(toy_project, impl, katas)
    assert refresh_estimate(toy_project, impl, katas) == ([], 0.0)  # all cached
    stale, seconds = refresh_estimate(toy_project, impl, katas, fresh=True)
    assert [k.name for k in stale] == ["toy"] and seconds >= STARTUP_SECONDS
