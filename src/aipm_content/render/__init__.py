"""Model -> HTML fragments shared by the PDF, EPUB and SCORM channels."""
