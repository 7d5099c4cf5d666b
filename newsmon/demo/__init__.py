"""The offline demo: invented sample articles served as Pangea- and WordPress-shaped sites."""
