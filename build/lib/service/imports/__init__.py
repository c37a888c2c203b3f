"""Importing and exporting lists: the UN Security Council Consolidated List (XML),
FollowTheMoney JSON lines and CSV. Imported entries pass the same validation as nominations."""
