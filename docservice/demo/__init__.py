"""The demo of ``docservice init --demo``: a fictional đảng bộ with its members, users and a year of meetings.
It stands above the features it fills (registry, meetings, oversight) and nothing below imports it."""

from docservice.demo.people import DEMO_PASSWORD, DEMO_USERS, DemoUser, load_demo

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "DemoUser", "load_demo"]
