// A tiny fetch-based client for the storefront and checkout. Every operation's variables and answer are typed by
// GraphQL Code Generator from the API's schema.graphql (src/generated/graphql.ts: `npm run generate`), so a schema
// change that breaks this client fails `npm run typecheck`.
import type {
  CheckoutInput, CheckoutMutation, CheckoutMutationVariables, LoginMutation, LoginMutationVariables,
  StorefrontQuery, StorefrontQueryVariables,
} from "./generated/graphql.js";

const STOREFRONT = `query Storefront($filter: ProductFilterInput, $sort: ProductSort! = NEWEST, $first: Int = 20, $after: String) {
  products(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name price unitPrice { price per } stock rating shop { id name kecamatan } } }
  }
}`;
const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { token errors { code field message summary } }
}`;
const CHECKOUT = `mutation Checkout($input: CheckoutInput!, $idempotencyKey: String) {
  checkout(input: $input, idempotencyKey: $idempotencyKey) {
    checkout { id total orders { id status total pickupCode shop { name } } }
    errors { code field message summary }
  }
}`;

export class GraphQLRequestError extends Error {
  constructor(readonly errors: { message: string; extensions?: { code?: string } }[]) {
    super(errors.map((e) => e.message).join("; "));
  }
}

export class UmkmClient {
  private token: string | null = null;

  constructor(private readonly url = "http://127.0.0.1:8000/graphql", private readonly language = "id") {}

  private async request<Data, Variables>(query: string, variables: Variables): Promise<Data> {
    const headers: Record<string, string> = { "Content-Type": "application/json", "Accept-Language": this.language };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const response = await fetch(this.url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: Data; errors?: GraphQLRequestError["errors"] };
    if (body.errors?.length) throw new GraphQLRequestError(body.errors);
    return body.data as Data;
  }

  /** The storefront: one page of products, filtered and sorted. */
  storefront(variables: StorefrontQueryVariables = {}): Promise<StorefrontQuery> {
    return this.request<StorefrontQuery, StorefrontQueryVariables>(STOREFRONT, variables);
  }

  /** Signs in; later requests send the token. Returns the user errors (wrong password, ...), empty on success. */
  async login(email: string, password: string): Promise<LoginMutation["login"]["errors"]> {
    const { login } = await this.request<LoginMutation, LoginMutationVariables>(LOGIN, { email, password });
    this.token = login.token;
    return login.errors;
  }

  /** One order per shop; send the same idempotencyKey again after a lost answer, and the same orders come back. */
  async checkout(input: CheckoutInput, idempotencyKey: string = crypto.randomUUID()): Promise<CheckoutMutation["checkout"]> {
    const answer = await this.request<CheckoutMutation, CheckoutMutationVariables>(CHECKOUT, { input, idempotencyKey });
    return answer.checkout;
  }
}

/** Rupiah as Indonesians write it: Rp15.700. */
export function formatRupiah(amount: number): string {
  return "Rp" + Math.round(amount).toLocaleString("id-ID");
}
