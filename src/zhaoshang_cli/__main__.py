from zhaoshang_cli.cli import main

main()
