"""Optimizers and what runs them: training, regularisation, Hessian, Newton, ES, comparison.

A new optimizer is a rule in optim.py (gradient methods) or a method in
compare.py (the side-by-side comparison)."""
