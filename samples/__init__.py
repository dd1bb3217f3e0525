"""Sample and bad-input student submissions, built by editing the release notebooks."""
