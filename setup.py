# scrapyd-deploy builds the egg it uploads with `python setup.py bdist_egg`; everything about the
# package is in pyproject.toml.
from setuptools import setup

setup()
