from django.apps import AppConfig


class RulebookConfig(AppConfig):
    name = "puhui.rulebook"
    label = "rulebook"

    def ready(self) -> None:
        # Fail at start-up, with the file, key and problem, rather than at the first decision.
        from puhui.rulebook.selectors import rulebooks_all

        rulebooks_all()
