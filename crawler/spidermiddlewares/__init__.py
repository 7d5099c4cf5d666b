"""Spider middlewares: bounds on what one response may make the spider request."""
