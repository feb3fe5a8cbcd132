"""Manim scenes, one module per chapter of the storyboard, with shared style and parts."""
