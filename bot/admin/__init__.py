"""The staff console: a web app in which MRC staff keep the knowledge base right and operators
review and answer escalated conversations."""
