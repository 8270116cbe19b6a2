"""Organisations (tree, terms, codes), members and users."""
