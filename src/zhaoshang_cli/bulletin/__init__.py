"""The weekly bulletin (一周一快报): computed from the monthly report's engine, rendered to
Excel and Markdown, written unattended (lock, atomic files, catch-up)."""
