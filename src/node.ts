// Node-only entry: files, the replay HTTP server, the CLI.
