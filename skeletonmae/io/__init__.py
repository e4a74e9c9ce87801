"""Readers for one dataset source each: how its files hold skeletons, and nothing else.

`skeletonmae.formats.load_clip` dispatches to them by file name.
"""
