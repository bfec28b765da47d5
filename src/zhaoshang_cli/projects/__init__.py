"""Projects (项目): the register, their changes and edits, credit to units, their names."""
