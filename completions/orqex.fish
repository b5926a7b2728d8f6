complete --keep-order --exclusive --command orqex --arguments "(COMPLETE=fish orqex -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
