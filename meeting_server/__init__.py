"""Paperless meeting room server (phòng họp không giấy)."""

__version__ = "0.1.0"
