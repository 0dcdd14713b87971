"""The ``geoplan`` subcommands, one module each (``register(subparsers)`` and ``run(args)``)."""
