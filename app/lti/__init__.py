"""Casewise as an LTI 1.3 Advantage tool: registration, launch, deep linking, grade passback, roster sync."""
