from django.urls import path

from restapi.routers import Router

from .api import BudgetViewSet

router = Router()
router.register("budgets", BudgetViewSet, basename="api-budget")
urlpatterns = [
    # The contract's name, without the trailing slash the router would add.
    path("budgets/<int:pk>/export.pb", BudgetViewSet.as_view({"get": "export_pb"}, permission_classes=[]),
         name="api-budget-export-pb"),
    *router.urls,
]
