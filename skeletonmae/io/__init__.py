"""Dataset sources, one module each: how its files hold skeletons, how they are named and
detected, and the datasets (index and standard splits) built from them. Each module registers
its `base.Source` and `base.Dataset` records; `skeletonmae.formats` and `skeletonmae.datasets`
look them up there.
"""
