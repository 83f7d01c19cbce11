"""The SQL repositories of the services' ports, one module per aggregate."""
