"""Leads service: stores the consultation requests the assistant captures, for clinic staff."""
