"""HTTP edge: the FastAPI app, its routes, error handling and messaging channels."""
