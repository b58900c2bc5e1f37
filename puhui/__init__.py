"""puhui (普惠): an open platform for internet financing of small and micro businesses."""
