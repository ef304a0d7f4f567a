"""paramguard: catches secrets written to SSM Parameter Store in plain text."""

__version__ = "0.1.0"
