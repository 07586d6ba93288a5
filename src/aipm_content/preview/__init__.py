"""``aipm-export preview``: a lesson or course served on 127.0.0.1, rebuilt on every save.

``render`` turns the source into pages (the SCORM player's own files and the PDF's print HTML),
``app`` serves them with the reload events, ``watch`` notices saves, ``serve`` runs the server.
The server and watcher libraries (the ``preview`` extra) are imported only by ``serve``.
"""
