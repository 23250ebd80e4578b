"""The API's shared base: permissions, pagination, one error shape, scoped viewsets.

Split in modules because DRF imports the permission and pagination classes named in
settings while rest_framework.views is itself being imported.
"""
