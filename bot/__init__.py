"""JobBot: answers staff questions about Geumcheon-gu's job-creation programs, with sources."""

__version__ = "0.1.0"
