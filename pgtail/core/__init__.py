"""The listening core: connections, the LISTEN set, notifications, reconnects, NOTIFY sending.

Plain asyncio and psycopg; never imports Textual or Rich. The UI and the pipe mode consume it.
"""
