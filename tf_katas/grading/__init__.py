"""`kata grade`: the grader (grade), the judge's pytest plugin (judge, remote), the
submission's side (zygote, sandbox), what crosses between them (wire), process trees
(procs) and the reports (reports)."""
