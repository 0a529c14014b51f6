"""Reading and writing the leads database (and Rasa's conversation store)."""
