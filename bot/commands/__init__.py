"""The `ownerbot` commands by area; bot/cli.py puts them together under one root.

Thin: parse arguments, call a service, print the outcome. Heavy modules (the Telegram
runtimes, the services a command needs) are imported inside the commands that use them.
"""
