from django.apps import AppConfig


class AcceptanceConfig(AppConfig):
    name = "acceptance"
    verbose_name = "Acceptance testing"

    def ready(self) -> None:
        from acceptance import services
        from projects import gates

        # projects knows nothing of test cases: the go-live gate and the UAT sign-off ask here.
        gates.register_go_live_check(services.go_live_check)
        gates.register_uat_signoff_check(services.uat_signoff_problems)
