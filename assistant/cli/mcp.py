"""`assistant mcp`: the MCP server over stdio, for MCP clients that launch a local command."""

from __future__ import annotations

import click

from assistant.settings import get_settings


@click.command(name="mcp")
def mcp_command() -> None:
    """Serve the tools, passages and references over MCP on stdin/stdout (the index is opened, or
    built, before the first message is read). Nothing but protocol messages goes to stdout.

    Example client configuration: {"command": "assistant", "args": ["mcp"]}
    """
    from api.mcp_server import build_mcp_server
    from knowledge.index import open_retriever

    settings = get_settings()
    retriever = open_retriever(index_dir=settings.index_dir, chroma_url=settings.chroma_url)
    build_mcp_server(lambda: retriever).run("stdio")


COMMANDS = [mcp_command]
