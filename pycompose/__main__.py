from pycompose.cli.main import run

run()
