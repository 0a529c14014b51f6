"""Offline tools for trainers and developers: evaluation, review, data checks, set-up."""
