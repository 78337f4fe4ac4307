"""The one database of the service: its tables (``tables``), engines (``engine``) and migrations."""
