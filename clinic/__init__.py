"""The clinic kernel: plain Python shared by the Rasa server, the action server and the API."""
