"""Customer mining: purchase summaries, BG/NBD and Gamma-Gamma models, RFM segments, churn scores and the
win probability of open opportunities. Numbers in, numbers out: no Frappe (docs/MINING.md, "Models")."""
