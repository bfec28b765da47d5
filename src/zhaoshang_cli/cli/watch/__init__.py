"""The watch commands (zs warn, pipeline, score, occasion) and the options they share."""
