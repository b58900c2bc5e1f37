from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "puhui.registry"
    label = "registry"
