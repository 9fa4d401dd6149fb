"""The portal's built-in content: the Summer 2022 issue of the newsletter and
the registers it draws on, written out as plain data.

`network` and `guides` hold the register rows (member economies, officers,
Network organizations, guides), `summer_2022` the issue itself, and `loader`
writes them to the database for the `load_demo` management command.
"""
