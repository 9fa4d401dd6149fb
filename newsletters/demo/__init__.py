"""The portal's built-in content: the Summer 2022 issue of the newsletter and
the registers it draws on, kept as data files beside this package.

`content` reads the files (README.md says where their values come from) and
`loader` writes them to the database for the `load_demo` management command.
"""
