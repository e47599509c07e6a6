from pycompose.cli.entry import run

run()
