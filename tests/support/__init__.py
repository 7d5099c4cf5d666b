"""What the tests share: real servers on loopback, the real CLI, real SQLite files."""
