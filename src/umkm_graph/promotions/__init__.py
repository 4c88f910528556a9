"""Promotions (issue 17, section 1): vouchers a seller or the city gives, applied at checkout.

A promotion is a code with its rules: PERCENT_OFF, AMOUNT_OFF or FREE_DELIVERY; funded by the SHOP (a seller's
promotion, on chosen products or the whole shop) or by the CITY (a programme with a budget and eligibility rules:
role, ASN status, OPD, category, day of the week in Asia/Jakarta, shop status). Every promotion may have a minimum
spend, a start and an end, a cap on uses in all and per buyer. A use is one order discounted by it.

Stacking rules:
1. A checkout takes at most one code per place: one discount of a shop, one discount of the city, one free delivery.
   Two codes for the same place are refused (VOUCHER_NOT_STACKABLE), so a shop discount and a city programme stack,
   and either stacks with one free-delivery voucher, but two shop discounts, or free delivery twice, do not.
2. The shop's discount is taken first, from each eligible line's price; the city's discount is then taken from what is
   left of each line, so a line never costs less than 0. Free delivery takes the order's delivery fee (up to its
   maxDiscount), never the goods.
3. Minimum spend is counted over the promotion's eligible lines of one order, at their price before any discount.
4. A city programme applies to every order of the checkout it covers, each order one use, all within its budget.
5. Rounding: floor per line (pricing.py). The discounts of each line, and who funds them, are recorded
   (OrderDiscount); an order's total is its subtotal plus delivery fee less its discounts, exact integer rupiah.
6. Cancelling an order gives its uses, and a programme's rupiah, back (redeem.give_back).
"""
