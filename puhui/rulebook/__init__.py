"""Jurisdiction rules as versioned data files (``rulebooks/*.toml``), validated on load.

A threshold in a service is a bug: services ask the active rulebook, and every evaluation that
decides something about a person or an enterprise is recorded with the rule id and the
rulebook's id and version (``RuleEvaluation``).
"""
