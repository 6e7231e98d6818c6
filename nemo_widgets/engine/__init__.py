"""The embedded local engine: NemoVideo's HTTP protocol, served and rendered on this machine."""
