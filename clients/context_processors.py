from clients import roles


def user_role(request):
    user = request.user
    return {
        "role": {
            "label": roles.role_label(user),
            "is_admin": roles.is_admin(user),
            "is_manager": roles.is_manager(user),
            "is_pm": roles.is_pm(user),
            "is_sales_rep": roles.is_sales_rep(user),
            "is_support": roles.is_support(user),
            "is_staff_reader": roles.is_staff_reader(user),
        }
    }
