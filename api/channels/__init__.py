"""Messaging platforms: one module per platform behind the interface in ``base``.

``registry.CHANNELS`` lists them; ``hub.ChannelHub`` runs their messages through the chat engine;
``api.routes.webhooks`` is the HTTP edge (``POST /webhooks/{platform}``).
"""
